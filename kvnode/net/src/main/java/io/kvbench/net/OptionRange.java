package io.kvbench.net;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric command-line option accepts, beside the option (a field with picocli's {@code @Option}); for
 * a list option, each element. Every command line of the project checks it before its command runs (the node's
 * {@code OptionRanges}): a value outside is a usage error, one line naming the option and its range, exit 2. Here,
 * beside {@link NodeAddresses}, because the node's, the client's and the kvbench command lines all use it and share
 * no module closer than this one. Bounds are inclusive unless {@link #minExclusive()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OptionRange {
    double min();

    double max() default Double.POSITIVE_INFINITY;

    /** The value must be above {@link #min()}, not equal to it (a rate of 0 per second means nothing). */
    boolean minExclusive() default false;

    /** What a bound is, when the number alone does not say: "the node's value limit". */
    String why() default "";
}

package io.kvbench.chaos.netns;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4PrefixTest {
    @Test
    void parsesNormalizesAndPrints() {
        assertThat(Ipv4Prefix.parse("198.18.7.9/24")).hasToString("198.18.7.0/24");
        assertThat(Ipv4Prefix.parse("10.0.0.1")).hasToString("10.0.0.1/32");
        assertThat(Ipv4Prefix.parse("0.0.0.0/0")).hasToString("0.0.0.0/0");
        assertThatThrownBy(() -> Ipv4Prefix.parse("198.18.7/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Prefix.parse("198.18.7.256")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Prefix.parse("198.18.7.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overlapMeansSharingAnAddress() {
        Ipv4Prefix subnet = Ipv4Prefix.parse("198.18.7.0/24");
        assertThat(subnet.overlaps(Ipv4Prefix.parse("198.18.7.200"))).isTrue();
        assertThat(subnet.overlaps(Ipv4Prefix.parse("198.16.0.0/12"))).isTrue();
        assertThat(Ipv4Prefix.parse("198.16.0.0/12").overlaps(subnet)).isTrue();
        assertThat(subnet.overlaps(Ipv4Prefix.parse("198.18.8.0/24"))).isFalse();
        assertThat(subnet.overlaps(Ipv4Prefix.parse("198.18.6.255"))).isFalse();
    }

    @Test
    void hostAddressesStayInsideThePrefix() {
        Ipv4Prefix subnet = Ipv4Prefix.parse("198.18.7.0/24");
        assertThat(subnet.host(1)).isEqualTo("198.18.7.1");
        assertThat(subnet.host(13)).isEqualTo("198.18.7.13");
        assertThatThrownBy(() -> subnet.host(256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsDestinationsFromRouteListingsWithoutDefaults() {
        String listing = """
                default via 192.0.2.1 dev eth0
                192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
                198.18.3.0/24 dev kvb3br proto kernel scope link src 198.18.3.1
                blackhole 10.9.0.0/16
                local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
                broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1
                10.1.0.0/16 proto static
                \tnexthop via 192.0.2.5 dev eth0 weight 1
                """;
        assertThat(Ipv4Prefix.routeDestinations(listing)).extracting(Ipv4Prefix::toString).containsExactly(
                "192.0.2.0/24", "198.18.3.0/24", "10.9.0.0/16", "127.0.0.0/8", "127.255.255.255/32", "10.1.0.0/16");
    }
}

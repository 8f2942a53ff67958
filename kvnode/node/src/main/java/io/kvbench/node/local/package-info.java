/**
 * The one way to start a local kvnode cluster ({@link io.kvbench.node.local.LocalCluster}): child processes or
 * in-process nodes, one data layout, one readiness rule (the node answers a status request on its client port),
 * one free-port allocator, and the nodes' JVM options per purpose ({@link io.kvbench.node.local.NodeJvmOptions}).
 * It lives beside the node because the node's own tests start clusters with it and every module above (bench,
 * chaos, cli) depends on the node; it knows the node's command line and status, nothing of the suite.
 */
package io.kvbench.node.local;

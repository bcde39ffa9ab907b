// Package faults holds the fault suite: a real server under a 50-client mixed load while its
// Redis and MySQL (private redis-server and mariadbd processes the suite starts, never shared
// ones) are stopped, frozen with SIGSTOP and brought back, and while the server itself gets
// SIGTERM. It asserts that no request outlives its deadline, that failures are 503 with
// Retry-After and never 500, that service returns within 5 s of the dependency, that sessions
// survive a Redis restart with AOF, and that no payment is half written. docs/operations.md
// records the figures it prints.
package faults

/**
 * What keeps a local service that spends model tokens to itself: loopback by default, no cross-site form posts, no
 * JSON endpoints called as forms, no requests addressed to other hosts, and an optional access token.
 */
package dev.spool.security;

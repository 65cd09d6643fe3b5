/**
 * Spool's meters ({@code spool_*} at {@code /actuator/prometheus}), derived from the changes this process sees in the
 * workspace, whoever made them.
 */
package dev.spool.metrics;

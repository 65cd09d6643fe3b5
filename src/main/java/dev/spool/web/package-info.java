/** The REST API under {@code /api}, its event stream, and the dashboard pages. */
package dev.spool.web;

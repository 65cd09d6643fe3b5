/** Spring AI wiring: the OpenAI-compatible chat model when a key is set, the built-in offline model otherwise. */
package dev.spool.model;

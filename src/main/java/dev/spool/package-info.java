/** Spool: a Spring Boot service in which LLM agents coordinate only through a shared folder. */
package dev.spool;

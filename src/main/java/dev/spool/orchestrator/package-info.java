/** The orchestrator's duties: taking back claims whose agents went quiet, and planning goals into tasks. */
package dev.spool.orchestrator;

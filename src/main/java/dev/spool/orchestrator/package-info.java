/** The orchestrator's duties: taking back claims whose agents went quiet. */
package dev.spool.orchestrator;

/** Agents: their definitions in {@code agents/*.md}, the scheduled loops that claim and answer tasks, heartbeats. */
package dev.spool.agent;

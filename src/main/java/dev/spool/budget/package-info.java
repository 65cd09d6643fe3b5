/** Tokens and their cost: totals per task, agent and day from the attempt records, prices, and budgets that stop work. */
package dev.spool.budget;

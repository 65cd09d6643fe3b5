/** Goals: the orchestrator plans a goal into tasks with dependencies, through the model, and finishes the goal once its plan's final task has. */
package dev.spool.goal;

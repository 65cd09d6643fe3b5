package dev.spool.budget;

/** Thrown into a streaming answer to cut it once its task has used more tokens than its budget. */
final class BudgetSpentException extends RuntimeException {

	BudgetSpentException(String message) {
		super(message);
	}

}

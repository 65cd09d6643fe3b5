package dev.spool.goal;

/** A plan that cannot be carried out as it is: the goal's attempt fails with this message. */
class PlanRefusedException extends RuntimeException {

	PlanRefusedException(String message) {
		super(message);
	}

}

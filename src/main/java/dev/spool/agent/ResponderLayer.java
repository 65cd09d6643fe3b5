package dev.spool.agent;

/**
 * A feature's part in every attempt, put around the responder that answers it: metering against budgets, fifo pipes.
 * Beans of this type are applied in their {@link org.springframework.core.annotation.Order order}, the first
 * outermost; a layer turns what it knows into an {@link Outcome} and passes the rest through.
 */
@FunctionalInterface
public interface ResponderLayer {

	Responder around(Responder inner);

}

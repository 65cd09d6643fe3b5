package dev.spool.web;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * Which changes a page has seen: a number that grows with every change sent on the event stream, prefixed with this
 * run of Spool, so that a page rendered before a restart never looks current to the new run. A page carries the
 * version it was rendered at; the stream's first event says the version now, and a page that already has it need
 * not fetch itself again.
 */
@Component
class BoardVersion {

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final AtomicLong changes = new AtomicLong();

	/** The version now. Read it before reading what a page shows, so that a change in between makes it look old. */
	String current() {
		return this.run + "-" + this.changes.get();
	}

	/** Counts a change; called before the change is sent to any stream. */
	void advance() {
		this.changes.incrementAndGet();
	}

}

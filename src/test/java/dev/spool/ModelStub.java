package dev.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * The tests' one local stand-in for the OpenAI chat completions API, on a free local port. A test scripts it before or
 * while Spool calls it:
 * <pre>
 * ModelStub model = ModelStub.start()
 *     .reply(ModelReply.toolCalls(ToolCall.of("weather", "{\"city\":\"Paris\"}")))  // the first request
 *     .reply(ModelReply.text("Sunny ", "in Paris.").usage(30, 4))                   // the second
 *     .when((request) -&gt; request.prompt().contains("FAIL"), ModelReply.error(500, "down"))
 *     .otherwise((request) -&gt; ModelReply.text("answer to " + request.prompt()));
 * </pre>
 * A request gets the first rule that matches it ({@link #when}), else the next reply queued ({@link #reply}), else
 * the fallback ({@link #otherwise}), which by default answers {@code answer N to <prompt>}, N the request's number,
 * so that every answer differs and an output can be traced to the one call that produced it. Every request is kept,
 * with its messages and the reply it got, for the test to assert on.
 */
public final class ModelStub implements AutoCloseable {

	/** Keeps MockWebServer quiet about the connections of killed processes. */
	private static final Logger SERVER_LOGGER = Logger.getLogger(MockWebServer.class.getName());

	private final MockWebServer server = new MockWebServer();

	private final AtomicInteger numbers = new AtomicInteger();

	private final List<Rule> rules = new CopyOnWriteArrayList<>();

	private final Queue<Function<ModelRequest, ModelReply>> script = new ConcurrentLinkedQueue<>();

	private volatile Function<ModelRequest, ModelReply> otherwise = ModelStub::numbered;

	private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

	private final BlockingQueue<ModelRequest> untaken = new LinkedBlockingQueue<>();

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private ModelStub() {
	}

	/** Starts a stub that answers every request {@code answer N to <prompt>} until scripted otherwise. */
	public static ModelStub start() {
		SERVER_LOGGER.setLevel(Level.WARNING);
		ModelStub stub = new ModelStub();
		stub.server.setDispatcher(stub.new Answering());
		try {
			stub.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return stub;
	}

	/** The base URL to give {@code spring.ai.openai.base-url}: it ends in {@code /v1}, the client adds the rest. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort() + "/v1";
	}

	/** Queues a reply for the next request that no rule matches. */
	public ModelStub reply(ModelReply reply) {
		return reply((request) -> reply);
	}

	/** Queues a reply, chosen when the request arrives, for the next request that no rule matches. */
	public ModelStub reply(Function<ModelRequest, ModelReply> reply) {
		this.script.add(reply);
		return this;
	}

	/** Answers every request that matches with this reply, before any queued one; the first matching rule wins. */
	public ModelStub when(Predicate<ModelRequest> matches, ModelReply reply) {
		return when(matches, (request) -> reply);
	}

	/** Answers every request that matches with the reply chosen when it arrives. */
	public ModelStub when(Predicate<ModelRequest> matches, Function<ModelRequest, ModelReply> reply) {
		this.rules.add(new Rule(matches, reply));
		return this;
	}

	/** Answers every request with this once the rules and the queue have nothing for it. */
	public ModelStub otherwise(ModelReply reply) {
		return otherwise((request) -> reply);
	}

	/** Answers every request with the reply chosen when it arrives, once the rules and the queue have nothing. */
	public ModelStub otherwise(Function<ModelRequest, ModelReply> reply) {
		this.otherwise = reply;
		return this;
	}

	/** Every request received and the reply it got, in order of arrival. */
	public List<Exchange> exchanges() {
		return List.copyOf(this.exchanges);
	}

	/** Every request received, in order of arrival. */
	public List<ModelRequest> requests() {
		return this.exchanges.stream().map(Exchange::request).toList();
	}

	/** The prompt of every request, in order of arrival. */
	public List<String> prompts() {
		return this.exchanges.stream().map((exchange) -> exchange.request().prompt()).toList();
	}

	public int requestCount() {
		return this.exchanges.size();
	}

	/** The oldest request not taken yet, waiting five seconds at most for one to arrive. */
	public ModelRequest takeRequest() {
		try {
			ModelRequest request = this.untaken.poll(5, TimeUnit.SECONDS);
			if (request == null) {
				throw new AssertionError("no request reached the model stub within five seconds");
			}
			return request;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted waiting for a request", ex);
		}
	}

	/** Every text answer given to this prompt, in the order the requests arrived. */
	public List<String> answersTo(String prompt) {
		return this.exchanges.stream()
			.filter((exchange) -> exchange.request().prompt().equals(prompt))
			.map((exchange) -> exchange.reply().text())
			.toList();
	}

	/** The exchange whose reply was this text, if any was. */
	public Optional<Exchange> exchangeThatAnswered(String text) {
		return this.exchanges.stream().filter((exchange) -> exchange.reply().text().equals(text)).findFirst();
	}

	/** Requests asking for this model that have arrived and not yet been answered. */
	public int inFlight(String model) {
		AtomicInteger count = this.inFlight.get(model);
		return (count != null) ? count.get() : 0;
	}

	/** How many requests asked for this model. */
	public long requestsFor(String model) {
		return this.exchanges.stream().filter((exchange) -> exchange.request().model().equals(model)).count();
	}

	@Override
	public void close() {
		try {
			this.server.shutdown();
		}
		catch (IOException ex) {
			// Shutting down after a test; nothing left to do.
		}
	}

	private static ModelReply numbered(ModelRequest request) {
		return ModelReply.text("answer " + request.number() + " to " + request.prompt());
	}

	private ModelReply replyTo(ModelRequest request) {
		for (Rule rule : this.rules) {
			if (rule.matches().test(request)) {
				return rule.reply().apply(request);
			}
		}
		Function<ModelRequest, ModelReply> next = this.script.poll();
		return ((next != null) ? next : this.otherwise).apply(request);
	}

	/** Numbers, records and answers each request on the connection's own thread. */
	private final class Answering extends Dispatcher {

		@Override
		public MockResponse dispatch(RecordedRequest recorded) throws InterruptedException {
			if (!"POST".equals(recorded.getMethod()) || !recorded.getPath().endsWith("/chat/completions")) {
				return ModelReply.error(404, "the stub only knows POST /v1/chat/completions").render(null);
			}
			ModelRequest request = ModelRequest.of(numbers.incrementAndGet(), recorded);
			AtomicInteger count = inFlight.computeIfAbsent(request.model(), (model) -> new AtomicInteger());
			count.incrementAndGet();
			try {
				ModelReply reply = replyTo(request);
				exchanges.add(new Exchange(request, reply));
				untaken.add(request);
				if (!reply.delay().isZero()) {
					Thread.sleep(reply.delay().toMillis());
				}
				return reply.render(request);
			}
			finally {
				count.decrementAndGet();
			}
		}

	}

	private record Rule(Predicate<ModelRequest> matches, Function<ModelRequest, ModelReply> reply) {
	}

	/**
	 * One request and the reply the stub chose for it.
	 *
	 * @param request what was sent
	 * @param reply what the stub answered
	 */
	public record Exchange(ModelRequest request, ModelReply reply) {
	}

	/**
	 * A call of a tool: in a reply, one the model makes; in a request, one an earlier assistant message made.
	 *
	 * @param id the call's id, which the {@code tool} message answering it names; null in a reply for one of the stub's
	 * own, unlike any other
	 * @param name the tool's name
	 * @param arguments the arguments as JSON text, sent as they are, valid or not
	 */
	public record ToolCall(String id, String name, String arguments) {

		/** A call the stub gives an id of its own. */
		public static ToolCall of(String name, String arguments) {
			return new ToolCall(null, name, arguments);
		}

		ToolCall numbered(int request, int index) {
			return (this.id != null) ? this : new ToolCall("call_" + request + "_" + index, this.name, this.arguments);
		}

		Map<String, Object> wire() {
			return Map.of("id", this.id, "type", "function", "function",
					Map.of("name", this.name, "arguments", this.arguments));
		}

	}

}

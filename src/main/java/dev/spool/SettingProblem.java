package dev.spool;

/**
 * A setting Spool cannot start with: which one, the value it was given, what is wrong with it and what to do. Spring
 * Boot reports it as "APPLICATION FAILED TO START" through {@link SettingProblemFailureAnalyzer}, not as a stack trace.
 */
public final class SettingProblem extends RuntimeException {

	private final String setting;

	private final String value;

	private final String action;

	/**
	 * @param setting the setting's name, as a user writes it ({@code spool.workspace})
	 * @param value the value it has, as given
	 * @param problem what is wrong with it, a sentence that reads after the value
	 * @param action what to do about it
	 */
	public SettingProblem(String setting, String value, String problem, String action) {
		this(setting, value, problem, action, null);
	}

	public SettingProblem(String setting, String value, String problem, String action, Throwable cause) {
		super(setting + " is '" + value + "': " + problem, cause);
		this.setting = setting;
		this.value = value;
		this.action = action;
	}

	public String setting() {
		return this.setting;
	}

	public String value() {
		return this.value;
	}

	public String action() {
		return this.action;
	}

}

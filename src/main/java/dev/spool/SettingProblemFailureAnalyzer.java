package dev.spool;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link SettingProblem} the Spring way: the setting, its value, what is wrong, and what to do. */
class SettingProblemFailureAnalyzer extends AbstractFailureAnalyzer<SettingProblem> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SettingProblem problem) {
		return new FailureAnalysis(problem.getMessage(), problem.action(), problem);
	}

}

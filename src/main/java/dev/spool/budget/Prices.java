package dev.spool.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What models cost, {@code spool.prices.<model>.input-per-million} and {@code output-per-million}, in US dollars per
 * million tokens; a model without a price has no cost shown.
 *
 * @param prices the price of each model, by the name an attempt records
 */
@Validated
@ConfigurationProperties("spool")
record Prices(@NotNull @DefaultValue @Valid Map<String, Price> prices) {

	/** What tokens of a model cost, or null when the model has no price. */
	public BigDecimal cost(String model, TokenTotals tokens) {
		Price price = (model != null) ? this.prices.get(model) : null;
		return (price != null) ? price.of(tokens) : null;
	}

	/**
	 * One model's price.
	 *
	 * @param inputPerMillion dollars per million prompt tokens
	 * @param outputPerMillion dollars per million answer tokens
	 */
	public record Price(@NotNull @PositiveOrZero BigDecimal inputPerMillion,
			@NotNull @PositiveOrZero BigDecimal outputPerMillion) {

		private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

		BigDecimal of(TokenTotals tokens) {
			BigDecimal input = this.inputPerMillion.multiply(BigDecimal.valueOf(tokens.prompt()));
			BigDecimal output = this.outputPerMillion.multiply(BigDecimal.valueOf(tokens.completion()));
			return input.add(output).divide(MILLION, 6, RoundingMode.HALF_UP).stripTrailingZeros();
		}

	}

}

package dev.spool.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What models cost, {@code spool.prices.<model>.input-per-million} and {@code output-per-million}, in US dollars per
 * million tokens; a model without a price has no cost shown.
 *
 * @param prices the price of each model, by the name an attempt records
 */
@ConfigurationProperties("spool")
record Prices(@DefaultValue Map<String, Price> prices) {

	Prices {
		prices.forEach((model, price) -> {
			price.check(model, "input-per-million", price.inputPerMillion());
			price.check(model, "output-per-million", price.outputPerMillion());
		});
	}

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
	public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

		private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

		private void check(String model, String name, BigDecimal dollars) {
			String setting = "spool.prices." + model + "." + name;
			if (dollars == null) {
				throw new IllegalArgumentException(setting + " needs a value");
			}
			if (dollars.signum() < 0) {
				throw new IllegalArgumentException(setting + " must be zero or more, not " + dollars.toPlainString());
			}
		}

		BigDecimal of(TokenTotals tokens) {
			BigDecimal input = this.inputPerMillion.multiply(BigDecimal.valueOf(tokens.prompt()));
			BigDecimal output = this.outputPerMillion.multiply(BigDecimal.valueOf(tokens.completion()));
			return input.add(output).divide(MILLION, 6, RoundingMode.HALF_UP).stripTrailingZeros();
		}

	}

}

/// Builds the human-readable explanations attached to univariate anomaly scores.
public enum UnivariateExplanation {
    /// "value 123.4 outside expected 80.1…97.3", with numbers shown to about four significant digits.
    public static func outside(value: Double, low: Double, high: Double) -> String {
        "value \(format(value)) outside expected \(format(low))…\(format(high))"
    }

    /// `x` rounded to about four significant digits (plain notation between 1e-4 and 1e9).
    public static func format(_ x: Double) -> String {
        let magnitude = abs(x)
        guard x.isFinite, magnitude != 0 else { return x == 0 ? "0" : "\(x)" }
        if magnitude >= 1e9 || magnitude < 1e-4 { return "\(x)" }
        var decimals = 0
        var scaled = magnitude
        var factor = 1.0
        while scaled < 1000 && decimals < 8 {
            scaled *= 10
            factor *= 10
            decimals += 1
        }
        var text = "\((x * factor).rounded() / factor)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

/// The pieces every chart Kabar draws by hand as SVG is made of (no packages, no Foundation):
/// the simulator's chart (`kabar sim --svg`, `StudioChart`) and the reach chart (`kabar reach
/// --svg`, `ReachChart`) both write their numbers, times, text and axes through these, so the two
/// look alike and escape alike.
public enum SVGText {
    /// `x` with one decimal, for coordinates: `12.3`, `-0.5`.
    public static func number(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// A duration for an axis: `10ms`, `45s`, `10m`, `2h` (whole units; minutes up to 2 hours).
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(number(seconds * 1_000).dropLast(2))ms" }
        if seconds < 120 { return "\(Int(seconds.rounded()))s" }
        if seconds < 7_200 { return "\(Int((seconds / 60).rounded()))m" }
        return "\(Int((seconds / 3_600).rounded()))h"
    }

    /// A span exact to what an axis or a table needs: `840ms`, `95s`, `2m30s`, `90m`, `2h30m`,
    /// `3h`, `2d4h` (`duration` rounds to one unit, which would print `3m` for both 150 s and
    /// 180 s).
    public static func span(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1_000).rounded()))ms" }
        let whole = Int(seconds.rounded())
        if whole < 120 { return "\(whole)s" }
        func two(_ big: Int, _ bigUnit: String, _ small: Int, _ smallUnit: String) -> String {
            "\(big)\(bigUnit)" + (small == 0 ? "" : "\(small)\(smallUnit)")
        }
        if whole < 7_200 { return two(whole / 60, "m", whole % 60, "s") }
        if whole < 172_800 { return two(whole / 3_600, "h", whole / 60 % 60, "m") }
        return two(whole / 86_400, "d", whole / 3_600 % 24, "h")
    }

    /// `text` safe inside an element or an attribute: `&`, `<`, `>` and `"` escaped.
    public static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }

    /// The two axis lines of a plot: left from `plotTop` to `plotBottom`, bottom from `left` to
    /// `width - right`.
    public static func axes(left: Double, right: Double, width: Double, plotTop: Double, plotBottom: Double) -> String {
        "<line x1=\"\(number(left))\" y1=\"\(number(plotTop))\" x2=\"\(number(left))\" y2=\"\(number(plotBottom))\" stroke=\"black\"/>\n"
            + "<line x1=\"\(number(left))\" y1=\"\(number(plotBottom))\" x2=\"\(number(width - right))\" y2=\"\(number(plotBottom))\" stroke=\"black\"/>\n"
    }

    /// A `<line>` from (x1, y1) to (x2, y2) with extra attributes (`stroke="#ddd"`).
    public static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: String) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" \(attributes)/>\n"
    }

    /// A `<text>` at (x, y) with extra attributes; `text` is escaped here.
    public static func text(_ x: Double, _ y: Double, _ text: String, _ attributes: String = "") -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\"\(attributes.isEmpty ? "" : " " + attributes)>\(escape(text))</text>\n"
    }

    /// Base-10 logarithm without Foundation: ln(x) / ln(10), ln by the exponent and a short atanh
    /// series on the mantissa.
    public static func log10(_ x: Double) -> Double {
        guard x > 0 else { return -.infinity }
        let exponent = Double(x.exponent)
        let mantissa = x.significand  // in [1, 2)
        // ln(m) by atanh series: ln(m) = 2 * sum z^(2k+1)/(2k+1), z = (m-1)/(m+1).
        let z = (mantissa - 1) / (mantissa + 1)
        var term = z, sum = 0.0
        for k in 0..<20 {
            sum += term / Double(2 * k + 1)
            term *= z * z
        }
        let natural = 2 * sum + exponent * 0.693_147_180_559_945_3
        return natural / 2.302_585_092_994_046
    }

    /// 10 to the power `x` without Foundation: e^(x ln 10) by range reduction to [0, 1) and a
    /// Taylor series.
    public static func pow10(_ x: Double) -> Double {
        let y = x * 2.302_585_092_994_046
        let whole = y.rounded(.down)
        let fraction = y - whole
        var term = 1.0, sum = 1.0
        for k in 1..<30 {
            term *= fraction / Double(k)
            sum += term
        }
        var power = 1.0
        let e = 2.718_281_828_459_045
        if whole >= 0 { for _ in 0..<Int(whole) { power *= e } } else { for _ in 0..<Int(-whole) { power /= e } }
        return sum * power
    }
}

import Kabar

/// The run as an SVG picture, written by hand (no packages): coverage over time since the post
/// against the earliest-arrival limit (log time axis), and bytes per node per second over the run.
public enum StudioChart {
    static let width = 760.0
    static let panelHeight = 260.0
    static let left = 70.0
    static let right = 20.0

    /// The SVG document for `result`.
    public static func svg(_ result: StudioResult) -> String {
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width))" height="\(number(2 * panelHeight + 90))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(number(left))" y="20" font-size="14" font-weight="bold">kabar sim \(escape(result.scenario)) --seed \(result.seed): \(result.nodes) nodes, \(result.all.bulletins) bulletins</text>

        """
        out += coveragePanel(result, top: 40)
        out += trafficPanel(result, top: 40 + panelHeight + 40)
        out += "</svg>\n"
        return out
    }

    private static func coveragePanel(_ result: StudioResult, top: Double) -> String {
        let plotTop = top + 20, plotBottom = top + panelHeight - 30
        let largest = max(result.deliveryDelays.last ?? 1, result.limitDelays.last ?? 1, 2_000_000)
        let low = 0.01, high = Double(largest) / 1e6 * 1.2
        func x(_ seconds: Double) -> Double {
            let clamped = min(max(seconds, low), high)
            return left + (log10(clamped) - log10(low)) / (log10(high) - log10(low)) * (width - left - right)
        }
        func y(_ share: Double) -> Double { plotBottom - share * (plotBottom - plotTop) }
        var out = "<text x=\"\(number(left))\" y=\"\(number(top + 10))\" font-weight=\"bold\">Share of (bulletin, reachable node) pairs delivered, by time since the post</text>\n"
        out += axes(plotTop: plotTop, plotBottom: plotBottom)
        for share in [0.0, 0.5, 0.9, 1.0] {
            out += "<line x1=\"\(number(left))\" y1=\"\(number(y(share)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(share)))\" stroke=\"#ddd\"/>\n"
            out += "<text x=\"\(number(left - 6))\" y=\"\(number(y(share) + 4))\" text-anchor=\"end\">\(Int(share * 100))%</text>\n"
        }
        var tick = low
        while tick <= high {
            out += "<line x1=\"\(number(x(tick)))\" y1=\"\(number(plotTop))\" x2=\"\(number(x(tick)))\" y2=\"\(number(plotBottom))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(number(x(tick)))\" y=\"\(number(plotBottom + 16))\" text-anchor=\"middle\">\(duration(tick))</text>\n"
            tick *= 10
        }
        let total = max(1, result.reachablePairs)
        for (delays, colour, label, row) in [(result.limitDelays, "#999", "earliest possible arrival (limit)", 0), (result.deliveryDelays, "#c0392b", "Kabar", 1)] {
            var points: [String] = []
            let steps = 300
            for step in 0...steps {
                let seconds = low * pow10(Double(step) / Double(steps) * (log10(high) - log10(low)))
                let count = upperBound(delays, Int64(seconds * 1e6))
                points.append("\(number(x(seconds))),\(number(y(Double(count) / Double(total))))")
            }
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            let legendY = plotTop + 14 + Double(row) * 16
            out += "<line x1=\"\(number(left + 10))\" y1=\"\(number(legendY - 4))\" x2=\"\(number(left + 30))\" y2=\"\(number(legendY - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(number(left + 36))\" y=\"\(number(legendY))\">\(label)</text>\n"
        }
        out += "<text x=\"\(number((left + width - right) / 2))\" y=\"\(number(plotBottom + 32))\" text-anchor=\"middle\">time since the post (log scale)</text>\n"
        return out
    }

    private static func trafficPanel(_ result: StudioResult, top: Double) -> String {
        let plotTop = top + 20, plotBottom = top + panelHeight - 30
        let end = max(result.traffic.last?.0.microseconds ?? 1, 1)
        let peak = max(result.traffic.map(\.1).max() ?? 1, 1)
        func x(_ micro: Int64) -> Double { left + Double(micro) / Double(end) * (width - left - right) }
        func y(_ value: Double) -> Double { plotBottom - value / peak * (plotBottom - plotTop) }
        var out = "<text x=\"\(number(left))\" y=\"\(number(top + 10))\" font-weight=\"bold\">Bytes sent per node per second (posting from \(duration((result.firstPost - .zero).seconds)), idle from \(duration((result.idleStart - .zero).seconds)))</text>\n"
        out += axes(plotTop: plotTop, plotBottom: plotBottom)
        for share in [0.0, 0.5, 1.0] {
            out += "<text x=\"\(number(left - 6))\" y=\"\(number(y(peak * share) + 4))\" text-anchor=\"end\">\(Int(peak * share))</text>\n"
        }
        for marker in [result.firstPost, result.idleStart] {
            out += "<line x1=\"\(number(x(marker.microseconds)))\" y1=\"\(number(plotTop))\" x2=\"\(number(x(marker.microseconds)))\" y2=\"\(number(plotBottom))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        var previous: Int64 = 0
        var points: [String] = []
        for (time, value) in result.traffic {
            points.append("\(number(x(previous))),\(number(y(value)))")
            points.append("\(number(x(time.microseconds))),\(number(y(value)))")
            previous = time.microseconds
        }
        out += "<polyline fill=\"none\" stroke=\"#2c7fb8\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
        out += "<text x=\"\(number(left))\" y=\"\(number(plotBottom + 16))\">0</text>\n"
        out += "<text x=\"\(number(width - right))\" y=\"\(number(plotBottom + 16))\" text-anchor=\"end\">\(duration(Double(end) / 1e6))</text>\n"
        out += "<text x=\"\(number((left + width - right) / 2))\" y=\"\(number(plotBottom + 32))\" text-anchor=\"middle\">virtual time</text>\n"
        return out
    }

    private static func axes(plotTop: Double, plotBottom: Double) -> String {
        "<line x1=\"\(number(left))\" y1=\"\(number(plotTop))\" x2=\"\(number(left))\" y2=\"\(number(plotBottom))\" stroke=\"black\"/>\n"
            + "<line x1=\"\(number(left))\" y1=\"\(number(plotBottom))\" x2=\"\(number(width - right))\" y2=\"\(number(plotBottom))\" stroke=\"black\"/>\n"
    }

    /// How many of the sorted `values` are at most `limit`.
    static func upperBound(_ values: [Int64], _ limit: Int64) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= limit { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// `x` with one decimal, for coordinates.
    static func number(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// `0.01s`, `1s`, `10m`, `2h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(number(seconds * 1_000).dropLast(2))ms" }
        if seconds < 120 { return "\(Int(seconds.rounded()))s" }
        if seconds < 7_200 { return "\(Int((seconds / 60).rounded()))m" }
        return "\(Int((seconds / 3_600).rounded()))h"
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    /// log10 and 10^x without Foundation.
    static func log10(_ x: Double) -> Double { Double.log10(x) }
    static func pow10(_ x: Double) -> Double { Double.exp10(x) }
}

extension Double {
    /// Base-10 logarithm by the natural logarithm series-free identity ln(x)/ln(10), via `exponent`
    /// and a short series on the mantissa (the standard library has no log without Foundation).
    static func log10(_ x: Double) -> Double {
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

    /// 10 to the power `x`.
    static func exp10(_ x: Double) -> Double {
        // e^(x ln 10) by range reduction to [0, 1) and a Taylor series.
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

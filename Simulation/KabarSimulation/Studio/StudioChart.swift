import Kabar

/// The run as an SVG picture, written by hand (no packages; the pieces are `SVGText`'s, shared
/// with `kabar reach --svg`): coverage over time since the post
/// against the earliest-arrival limit (log time axis), and bytes per node per second over the run.
public enum StudioChart {
    static let width = 760.0
    static let panelHeight = 260.0
    static let left = 70.0
    static let right = 20.0

    /// The SVG document for `result`.
    public static func svg(_ result: StudioResult) -> String {
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVGText.number(width))" height="\(SVGText.number(2 * panelHeight + 90))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(SVGText.number(left))" y="20" font-size="14" font-weight="bold">kabar sim \(SVGText.escape(result.scenario)) --seed \(result.seed): \(result.nodes) nodes, \(result.all.bulletins) bulletins</text>

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
            return left + (SVGText.log10(clamped) - SVGText.log10(low)) / (SVGText.log10(high) - SVGText.log10(low)) * (width - left - right)
        }
        func y(_ share: Double) -> Double { plotBottom - share * (plotBottom - plotTop) }
        var out = "<text x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(top + 10))\" font-weight=\"bold\">Share of (bulletin, reachable node) pairs delivered, by time since the post</text>\n"
        out += SVGText.axes(left: left, right: right, width: width, plotTop: plotTop, plotBottom: plotBottom)
        for share in [0.0, 0.5, 0.9, 1.0] {
            out += "<line x1=\"\(SVGText.number(left))\" y1=\"\(SVGText.number(y(share)))\" x2=\"\(SVGText.number(width - right))\" y2=\"\(SVGText.number(y(share)))\" stroke=\"#ddd\"/>\n"
            out += "<text x=\"\(SVGText.number(left - 6))\" y=\"\(SVGText.number(y(share) + 4))\" text-anchor=\"end\">\(Int(share * 100))%</text>\n"
        }
        var tick = low
        while tick <= high {
            out += "<line x1=\"\(SVGText.number(x(tick)))\" y1=\"\(SVGText.number(plotTop))\" x2=\"\(SVGText.number(x(tick)))\" y2=\"\(SVGText.number(plotBottom))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(SVGText.number(x(tick)))\" y=\"\(SVGText.number(plotBottom + 16))\" text-anchor=\"middle\">\(SVGText.duration(tick))</text>\n"
            tick *= 10
        }
        let total = max(1, result.reachablePairs)
        for (delays, colour, label, row) in [(result.limitDelays, "#999", "earliest possible arrival (limit)", 0), (result.deliveryDelays, "#c0392b", "Kabar", 1)] {
            var points: [String] = []
            let steps = 300
            for step in 0...steps {
                let seconds = low * SVGText.pow10(Double(step) / Double(steps) * (SVGText.log10(high) - SVGText.log10(low)))
                let count = upperBound(delays, Int64(seconds * 1e6))
                points.append("\(SVGText.number(x(seconds))),\(SVGText.number(y(Double(count) / Double(total))))")
            }
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            let legendY = plotTop + 14 + Double(row) * 16
            out += "<line x1=\"\(SVGText.number(left + 10))\" y1=\"\(SVGText.number(legendY - 4))\" x2=\"\(SVGText.number(left + 30))\" y2=\"\(SVGText.number(legendY - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(SVGText.number(left + 36))\" y=\"\(SVGText.number(legendY))\">\(label)</text>\n"
        }
        out += "<text x=\"\(SVGText.number((left + width - right) / 2))\" y=\"\(SVGText.number(plotBottom + 32))\" text-anchor=\"middle\">time since the post (log scale)</text>\n"
        return out
    }

    private static func trafficPanel(_ result: StudioResult, top: Double) -> String {
        let plotTop = top + 20, plotBottom = top + panelHeight - 30
        let end = max(result.traffic.last?.0.microseconds ?? 1, 1)
        let peak = max(result.traffic.map(\.1).max() ?? 1, 1)
        func x(_ micro: Int64) -> Double { left + Double(micro) / Double(end) * (width - left - right) }
        func y(_ value: Double) -> Double { plotBottom - value / peak * (plotBottom - plotTop) }
        var out = "<text x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(top + 10))\" font-weight=\"bold\">Bytes sent per node per second (posting from \(SVGText.duration((result.firstPost - .zero).seconds)), idle from \(SVGText.duration((result.idleStart - .zero).seconds)))</text>\n"
        out += SVGText.axes(left: left, right: right, width: width, plotTop: plotTop, plotBottom: plotBottom)
        for share in [0.0, 0.5, 1.0] {
            out += "<text x=\"\(SVGText.number(left - 6))\" y=\"\(SVGText.number(y(peak * share) + 4))\" text-anchor=\"end\">\(Int(peak * share))</text>\n"
        }
        for marker in [result.firstPost, result.idleStart] {
            out += "<line x1=\"\(SVGText.number(x(marker.microseconds)))\" y1=\"\(SVGText.number(plotTop))\" x2=\"\(SVGText.number(x(marker.microseconds)))\" y2=\"\(SVGText.number(plotBottom))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        var previous: Int64 = 0
        var points: [String] = []
        for (time, value) in result.traffic {
            points.append("\(SVGText.number(x(previous))),\(SVGText.number(y(value)))")
            points.append("\(SVGText.number(x(time.microseconds))),\(SVGText.number(y(value)))")
            previous = time.microseconds
        }
        out += "<polyline fill=\"none\" stroke=\"#2c7fb8\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
        out += "<text x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(plotBottom + 16))\">0</text>\n"
        out += "<text x=\"\(SVGText.number(width - right))\" y=\"\(SVGText.number(plotBottom + 16))\" text-anchor=\"end\">\(SVGText.duration(Double(end) / 1e6))</text>\n"
        out += "<text x=\"\(SVGText.number((left + width - right) / 2))\" y=\"\(SVGText.number(plotBottom + 32))\" text-anchor=\"middle\">virtual time</text>\n"
        return out
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
}

import Foundation
import Kabar

/// `kabar reach ID --svg FILE` (and the REPL's `reach N --svg FILE`): halls reached over time, as
/// an SVG picture written by hand from the `reach` record (Documentation/Reach.md, "The chart").
///
/// The x axis is time since the bulletin was posted; the y axis counts halls, up to the halls
/// known. A red step line climbs by one at each hall's `first_seen`. Halls that have not reported
/// since the post cannot be counted yet: they are the grey band under the "halls known" line, so
/// the gap between the red line and the band is the halls that reported and do not hold it. A
/// table under the plot names every hall with its status (at most `tableRowsMax`). Pure: the
/// same record gives the same bytes; the pieces are `SVGText`'s, shared with the simulator's
/// chart.
public enum ReachChart {
    static let width = 760.0
    static let plotHeight = 300.0
    static let left = 60.0
    static let right = 30.0
    static let top = 64.0
    static let rowHeight = 16.0
    /// Halls named in the table under the plot, at most; the rest are counted in one line.
    public static let tableRowsMax = 40

    /// The SVG document for `record`, its words in `language`.
    public static func svg(_ record: ReachRecord, language: Language) -> String {
        let known = max(record.hallsKnown, 1)
        let origin = record.created ?? record.halls.compactMap(\.firstSeen).min() ?? record.halls.map(\.lastReport).min() ?? 0
        let pending = record.halls.filter { $0.status == "not_reported_since" }
        let seen = record.halls.compactMap(\.firstSeen).map { max(0, Double($0 - origin) / 1_000) }.sorted()
        let latest = (seen + record.halls.map { max(0, Double($0.lastReport - origin) / 1_000) }).max() ?? 0
        let end = max(60, latest * 1.05)
        let plotBottom = top + plotHeight
        func x(_ seconds: Double) -> Double { left + min(seconds, end) / end * (width - left - right) }
        func y(_ halls: Double) -> Double { plotBottom - halls / Double(known) * plotHeight }
        func words(_ text: Localized) -> String { text[language] }

        let rows = min(record.halls.count, tableRowsMax)
        let height = plotBottom + 60 + Double(rows + 2) * rowHeight + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGText.number(width))\" height=\"\(SVGText.number(height))\" "
            + "viewBox=\"0 0 \(SVGText.number(width)) \(SVGText.number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        let name = String(record.id.prefix(12)) + (record.title.map { " · " + clip($0, 60) } ?? "")
        out += SVGText.text(left, 22, words(Localized(en: "Halls reached: ", id: "Balai yang menerima: ")) + name, "font-size=\"15\" font-weight=\"bold\"")
        let posted = record.created.map { BoardText.date(UnixTime(milliseconds: $0), language) }
        out += SVGText.text(left, 42, words(Localized(
            en: "\(record.hallsReached) of \(record.hallsKnown) halls" + (posted.map { ", posted \($0)" } ?? "")
                + (pending.isEmpty ? "" : "; \(pending.count) not reported since the post"),
            id: "\(record.hallsReached) dari \(record.hallsKnown) balai" + (posted.map { ", dikirim \($0)" } ?? "")
                + (pending.isEmpty ? "" : "; \(pending.count) belum melapor sejak dikirim"))))

        // The band of halls that cannot be counted yet, under the halls-known line.
        if !pending.isEmpty {
            let low = y(Double(record.hallsKnown - pending.count)), high = y(Double(record.hallsKnown))
            out += "<rect x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(high))\" width=\"\(SVGText.number(width - left - right))\" "
                + "height=\"\(SVGText.number(low - high))\" fill=\"#e6e6e6\"/>\n"
            out += SVGText.text(width - right - 6, (low + high) / 2 + 4, words(Localized(
                en: "\(pending.count) not reported since the post", id: "\(pending.count) belum melapor sejak dikirim")),
                "text-anchor=\"end\" fill=\"#555\"")
        }
        // Horizontal grid: whole halls (at most about 10 lines), and the halls known.
        let step = max(1, Int((Double(known) / 10).rounded(.up)))
        for halls in stride(from: 0, through: known, by: step) {
            out += SVGText.line(left, y(Double(halls)), width - right, y(Double(halls)), "stroke=\"#ddd\"")
            out += SVGText.text(left - 6, y(Double(halls)) + 4, "\(halls)", "text-anchor=\"end\"")
        }
        out += SVGText.line(left, y(Double(record.hallsKnown)), width - right, y(Double(record.hallsKnown)), "stroke=\"#333\" stroke-dasharray=\"5 3\"")
        out += SVGText.text(left + 6, y(Double(record.hallsKnown)) - 5, words(Localized(
            en: "halls known: \(record.hallsKnown)", id: "balai dikenal: \(record.hallsKnown)")))
        // Time axis.
        let tick = tickStep(end)
        var at = 0.0
        while at <= end {
            out += SVGText.line(x(at), top, x(at), plotBottom, "stroke=\"#eee\"")
            out += SVGText.text(x(at), plotBottom + 16, at == 0 ? "0" : "+" + SVGText.span(at), "text-anchor=\"middle\"")
            at += tick
        }
        out += SVGText.axes(left: left, right: right, width: width, plotTop: top, plotBottom: plotBottom)
        out += SVGText.text((left + width - right) / 2, plotBottom + 34, words(Localized(
            en: "time since the bulletin was posted", id: "waktu sejak buletin dikirim")), "text-anchor=\"middle\"")
        out += "<text transform=\"translate(16 \(SVGText.number((top + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">"
            + SVGText.escape(words(Localized(en: "halls reached", id: "balai yang menerima"))) + "</text>\n"

        // Halls reached over time: a step up at each first_seen.
        var points = ["\(SVGText.number(x(0))),\(SVGText.number(y(0)))"]
        for (index, seconds) in seen.enumerated() {
            points.append("\(SVGText.number(x(seconds))),\(SVGText.number(y(Double(index))))")
            points.append("\(SVGText.number(x(seconds))),\(SVGText.number(y(Double(index + 1))))")
        }
        points.append("\(SVGText.number(x(latest))),\(SVGText.number(y(Double(seen.count))))")
        out += "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2.5\" points=\"\(points.joined(separator: " "))\"/>\n"
        for (index, seconds) in seen.enumerated() {
            out += "<circle cx=\"\(SVGText.number(x(seconds)))\" cy=\"\(SVGText.number(y(Double(index + 1))))\" r=\"3.5\" fill=\"#c0392b\"/>\n"
        }
        out += table(record, origin: origin, top: plotBottom + 60, language: language)
        out += "</svg>\n"
        return out
    }

    /// Writes the chart of `record` to `path` (relative to this process's folder); the one
    /// writer for `kabar reach --svg` and the REPL's `reach --svg`.
    public static func write(_ record: ReachRecord, language: Language, to path: String) throws(ServiceError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(svg(record, language: language).utf8)) else {
            throw .failed(Localized(
                en: "cannot write \(path): check the folder exists and is writable",
                id: "tidak bisa menulis \(path): periksa foldernya ada dan bisa ditulisi"))
        }
    }

    /// One line a hall: its label, its status, and the times relative to the post.
    static func table(_ record: ReachRecord, origin: Int64, top: Double, language: Language) -> String {
        func words(_ text: Localized) -> String { text[language] }
        func since(_ milliseconds: Int64) -> String {
            let seconds = Double(milliseconds - origin) / 1_000
            return (seconds < 0 ? "−" : "+") + SVGText.span(abs(seconds))
        }
        var out = SVGText.text(left, top, words(Localized(en: "hall", id: "balai")), "font-weight=\"bold\"")
        out += SVGText.text(left + 260, top, words(Localized(en: "status", id: "keadaan")), "font-weight=\"bold\"")
        out += SVGText.text(left + 520, top, words(Localized(en: "last report", id: "laporan terakhir")), "font-weight=\"bold\"")
        let order = record.halls.sorted { rank($0) < rank($1) }
        for (row, hall) in order.prefix(tableRowsMax).enumerated() {
            let lineY = top + Double(row + 1) * rowHeight
            let status: Localized = switch hall.status {
            case "reached": Localized(en: "has it since \(since(hall.firstSeen ?? origin))", id: "memilikinya sejak \(since(hall.firstSeen ?? origin))")
            case "not_reached": Localized(en: "does not have it", id: "belum memilikinya")
            case "not_reported_since": Localized(en: "not reported since the post", id: "belum melapor sejak dikirim")
            default: Localized(en: "cannot tell (older than its report covers)", id: "tidak dapat diketahui")
            }
            let colour = switch hall.status {
            case "reached": "#c0392b"
            case "not_reported_since": "#777"
            default: "#000"
            }
            out += SVGText.text(left, lineY, clip(hall.label.isEmpty ? String(hall.node.prefix(12)) : hall.label, 40))
            out += SVGText.text(left + 260, lineY, words(status), "fill=\"\(colour)\"")
            out += SVGText.text(left + 520, lineY, since(hall.lastReport))
        }
        if record.halls.count > tableRowsMax {
            let more = record.halls.count - tableRowsMax
            out += SVGText.text(left, top + Double(tableRowsMax + 1) * rowHeight, words(Localized(
                en: "and \(more) more halls (kabar reach --json lists them all)", id: "dan \(more) balai lagi (kabar reach --json mencantumkan semuanya)")))
        }
        return out
    }

    /// Reached first (by first_seen), then not reached, then cannot tell, then not reported.
    static func rank(_ hall: ReachHall) -> (Int, Int64, String) {
        switch hall.status {
        case "reached": (0, hall.firstSeen ?? 0, hall.label)
        case "not_reached": (1, 0, hall.label)
        case "not_reported_since": (3, 0, hall.label)
        default: (2, 0, hall.label)
        }
    }

    /// A step for the time axis that gives at most 8 ticks: 10 s, 30 s, 1 m ... 1 day.
    static func tickStep(_ end: Double) -> Double {
        let steps: [Double] = [10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800]
        return steps.first { end / $0 <= 8 } ?? end / 8
    }

    static func clip(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }
}

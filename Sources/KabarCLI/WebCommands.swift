import Kabar
import KabarNode
import KabarPlatform

/// `kabar web pin`: sets the PIN of the board's operator page (Documentation/Board.md).
enum WebPINCommand: Command {
    static let spec = CommandSpec(
        path: ["web", "pin"],
        summary: Localized(en: "set the PIN of the board's operator page", id: "atur PIN halaman operator papan"),
        options: [.data],
        discussion: Localized(
            en: "Reads the PIN from standard input (echo 4821 | kabar web pin), so it never shows in the process list. 4 to 32 characters without spaces. The operator page (/operator on the board) approves or rejects phones' posts when web.posting = review; 5 wrong PINs lock it for 15 minutes. Takes effect at once, also for a running node.",
            id: "Membaca PIN dari masukan standar (echo 4821 | kabar web pin), supaya tidak tampak di daftar proses. 4 sampai 32 karakter tanpa spasi. Halaman operator (/operator di papan) menyetujui atau menolak kiriman ponsel bila web.posting = review; 5 PIN salah menguncinya 15 menit. Langsung berlaku, juga untuk node yang berjalan."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        if context.inputIsTerminal {
            context.printError(context.text(Localized(en: "type the new PIN and press Enter:", id: "ketik PIN baru lalu tekan Enter:")))
        }
        guard let input = context.readInput(256), let text = String(validating: input, as: UTF8.self) else {
            throw CLIError.badInput(Localized(en: "the PIN must be one line of text", id: "PIN harus satu baris teks"))
        }
        let pin = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "").trimmingSpaces
        if let problem = WebPIN.problem(with: pin) { throw CLIError.badInput(problem) }
        var salt = [UInt8](repeating: 0, count: 16)
        var random = SystemRandom()
        try CommandSupport.failing {
            try salt.withUnsafeMutableBytes { try random.fill($0) }
            try WebPIN(pin: pin, salt: salt).save(to: data)
        }
        context.print(context.text(Localized(
            en: "The operator PIN is set (\(data.file("web-pin"))).", id: "PIN operator sudah diatur (\(data.file("web-pin"))).")))
        return 0
    }
}

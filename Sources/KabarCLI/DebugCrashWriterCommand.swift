import Foundation
import Kabar
import KabarCrypto
import KabarNode

/// `kabar debug crash-writer --data DIR`: the writer the store's crash test kills.
///
/// Inserts small signed bulletins for ever (or `--count` of them): one gossip-style `.lazy`
/// insert, then one operator-style `.immediate` insert, and prints the id of the immediate one
/// only after `insert` returned, with an unbuffered write. Whatever id it printed must be in
/// the store after a SIGKILL at any moment.
enum DebugCrashWriterCommand: Command {
    static let spec = CommandSpec(
        path: ["debug", "crash-writer"],
        summary: Localized(
            en: "(for tests) write bulletins until killed, printing each id once it is saved",
            id: "(untuk uji) tulis buletin sampai dihentikan, mencetak tiap id setelah tersimpan"),
        options: [
            .data,
            .value(
                "--count", "N",
                help: Localized(en: "stop after N saved bulletins (default: never)", id: "berhenti setelah N buletin (bawaan: tidak)")),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = DataDirectory.resolve(option: arguments.value("--data"), environment: context.environment)
        let count = try arguments.integer("--count", in: 1...10_000_000) ?? Int.max
        let store: FileStore
        do { store = try FileStore.open(in: data) } catch { throw CLIError.failed(error.message) }
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        let author = AuthorKey(bytes: key.publicKey.rawRepresentation)!
        // Unique per run and per bulletin: the process id and wall time, then a counter.
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let run = ProcessInfo.processInfo.processIdentifier
        for number in 0..<count {
            for durability in [Durability.lazy, .immediate] {
                let created = UnixTime(milliseconds: start + Int64(number))
                var content = BulletinContent(
                    kind: .post, author: author, created: created, expires: created + .days(1), channel: "warga")
                content.title = "crash \(run) \(number) \(durability == .lazy ? "lazy" : "saved")"
                let bulletin = try Bulletin.sign(content, with: key)
                _ = try store.insert(bulletin, durability: durability)
                if durability == .immediate { context.print(bulletin.id.hex) }
            }
        }
        try store.close()
        return 0
    }
}

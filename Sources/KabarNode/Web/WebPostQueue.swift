import Foundation
import Kabar
import KabarCrypto
import KabarPlatform

/// Posts from phones waiting for the operator (`web.posting = review`), kept in
/// `DIR/web-pending` so a restart loses none.
///
/// Each entry is already signed by the phone's key (dated when the phone sent it), so approving
/// it is only handing it to the node's one door. A photo or voice note rides in the signed post
/// itself (field 6 lists its content id; its blocks were stored and synced before signing), so
/// the file needed no new field for attachments and older queue files read as before;
/// `NodeService.pendingWebAttachmentRoots` names those attachments for block eviction. Numbers
/// are stable: `approve 3` means the entry shown as 3, whatever arrived or left meanwhile.
///
/// File: a first line `kabar-web-pending 1`, then one line per entry, `NUMBER HEX`, where HEX is
/// the bulletin's encoding. Replaced whole (temporary file, fsync, rename) on every change.
struct WebPostQueue: Sendable {
    struct Entry: Sendable {
        var number: Int
        var bulletin: Bulletin
    }

    static let fileName = "web-pending"
    static let versionLine = "kabar-web-pending 1"
    /// Posts waiting at once, at most: past it the board says the queue is full.
    static let entriesMax = 256

    private(set) var entries: [Entry] = []
    private var nextNumber = 1

    /// The queue saved in `data`; empty when there is none. A line that does not decode is
    /// skipped (and counted): one bad line must not lose the others.
    static func load(from data: DataDirectory) throws(ServiceError) -> (queue: WebPostQueue, skipped: Int) {
        let path = data.file(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return (WebPostQueue(), 0) }
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(bytes: bytes, encoding: .utf8),
            bytes.count <= entriesMax * 2 * (BulletinCodec.encodedBytesMax + 16) + 64
        else {
            throw .failed(Localized(en: "cannot read \(path)", id: "tidak dapat membaca \(path)"))
        }
        var queue = WebPostQueue()
        var skipped = 0
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let number = Int(parts[0]), number > 0, let bytes = try? Hex.decode(String(parts[1])),
                let bulletin = try? Bulletin.decode(bytes), queue.entries.count < entriesMax
            else {
                skipped += 1
                continue
            }
            queue.entries.append(Entry(number: number, bulletin: bulletin))
            queue.nextNumber = max(queue.nextNumber, number + 1)
        }
        return (queue, skipped)
    }

    /// Writes the queue to `data`, crash-safe.
    func save(to data: DataDirectory) throws(ServiceError) {
        let text = ([Self.versionLine] + entries.map { "\($0.number) \(Hex.encode($0.bulletin.encoded))" }).joined(separator: "\n") + "\n"
        do {
            try FileSystem.replaceFile(data.file(Self.fileName), with: Array(text.utf8), directory: data.path)
        } catch {
            throw .from(error)
        }
    }

    var isFull: Bool { entries.count >= Self.entriesMax }

    /// Adds `bulletin`; returns its number.
    mutating func append(_ bulletin: Bulletin) -> Int {
        let number = nextNumber
        nextNumber += 1
        entries.append(Entry(number: number, bulletin: bulletin))
        return number
    }

    /// Takes out entry `number`.
    mutating func remove(_ number: Int) -> Bulletin? {
        guard let index = entries.firstIndex(where: { $0.number == number }) else { return nil }
        return entries.remove(at: index).bulletin
    }
}

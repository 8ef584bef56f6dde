import Kabar
import KabarPlatform

/// Why the store could not do what was asked. Each case carries what a person needs to act.
public enum StoreError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Another process holds the store's lock file.
    case locked(directory: String, processID: Int32?)
    /// A system call failed on `path`.
    case system(SystemError, path: String)
    /// A record is larger than the log accepts.
    case recordTooLarge(bytes: Int, limit: Int)
    /// The store is closed.
    case closed
    /// `fsync`/`fdatasync` failed on `path`: what was written since the last good sync was
    /// taken back (`final`: the take-back could not be made durable either, so the store
    /// refuses writes until the node restarts).
    case syncFailed(SystemError, path: String, final: Bool)
    /// A sync failed earlier and could not be taken back: no write until a restart.
    case diskFailed(path: String)

    /// The message in both languages.
    public var message: Localized {
        switch self {
        case .locked(let directory, let processID):
            let who = processID.map { "another kabar process (pid \($0))" } ?? "another kabar process"
            let siapa = processID.map { "proses kabar lain (pid \($0))" } ?? "proses kabar lain"
            return Localized(
                en: "\(who) is using \(directory); stop it or use another --data folder",
                id: "\(siapa) sedang memakai \(directory); hentikan proses itu atau pakai folder --data lain")
        case .system(let error, let path):
            return Localized(
                en: "cannot use \(path): \(error)", id: "tidak dapat memakai \(path): \(error)")
        case .recordTooLarge(let bytes, let limit):
            return Localized(
                en: "record of \(bytes) bytes is over the limit of \(limit) bytes",
                id: "rekaman \(bytes) byte melebihi batas \(limit) byte")
        case .closed:
            return Localized(en: "the store is closed", id: "penyimpanan sudah ditutup")
        case .syncFailed(let error, let path, let final):
            let after = final
                ? Localized(
                    en: "; the disk failed again when taking it back, so nothing more is written until the node restarts: check the SD card",
                    id: "; disk gagal lagi saat menariknya kembali, jadi tidak ada yang ditulis sampai node dijalankan ulang: periksa kartu SD")
                : Localized(en: "; try again", id: "; coba lagi")
            return Localized(
                en: "the disk did not confirm the write to \(path) (\(error)): nothing of it was saved\(after.en)",
                id: "disk tidak mengonfirmasi penulisan ke \(path) (\(error)): tidak ada yang tersimpan\(after.id)")
        case .diskFailed(let path):
            return Localized(
                en: "a write to \(path) failed earlier and could not be taken back: restart the node (it reopens the store from what the disk holds) and check the SD card",
                id: "penulisan ke \(path) gagal sebelumnya dan tidak dapat ditarik kembali: jalankan ulang node (ia membuka penyimpanan dari isi disk) dan periksa kartu SD")
        }
    }

    public var description: String { message.en }

    public var localizedMessage: Localized { message }
}

extension StoreError {
    /// Runs `body`, turning a `SystemError` into `.system(_, path:)`.
    static func wrap<Result>(_ path: String, _ body: () throws -> Result) throws(StoreError) -> Result {
        do {
            return try body()
        } catch let error as SystemError {
            throw .system(error, path: path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .system(SystemError("unknown", code: 0), path: path)
        }
    }
}

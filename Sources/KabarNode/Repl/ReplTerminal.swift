import Glibc
import Kabar
import KabarPlatform

/// Standard input and output for the REPL: raw mode on a terminal (`tcgetattr`/`tcsetattr`),
/// restored whatever way the session ends; reads (`read`) and writes (`write`) that retry EINTR.
public final class ReplTerminal {
    /// How many bytes one read takes.
    static let readChunkBytes = 4096

    /// The descriptor read (standard input).
    public let inputDescriptor: Int32
    /// The descriptor written (standard output).
    public let outputDescriptor: Int32
    private var savedSettings: termios? = nil

    /// Standard input and output.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        inputDescriptor = input
        outputDescriptor = output
    }

    /// True when standard input is a terminal (`isatty`).
    public var isTerminal: Bool { isatty(inputDescriptor) == 1 }

    /// Puts the terminal in raw mode: no line buffering, no echo, Ctrl-C and Ctrl-Z as bytes
    /// (the line editor handles them), output processing kept so "\n" still returns the carriage.
    public func enterRawMode() throws {
        var settings = termios()
        guard tcgetattr(inputDescriptor, &settings) == 0 else { throw SystemError("tcgetattr", code: errno) }
        savedSettings = settings
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | ISTRIP)
        settings.c_cc.6 = 1  // VMIN (index 6 on Linux): a read returns as soon as one byte is there
        settings.c_cc.5 = 0  // VTIME (index 5): no read timeout
        // TCSADRAIN, not TCSAFLUSH: what was typed while the node started (a build by `swift
        // run`, a slow SD card) is kept and read as the first keys.
        guard tcsetattr(inputDescriptor, TCSADRAIN, &settings) == 0 else {
            savedSettings = nil
            throw SystemError("tcsetattr", code: errno)
        }
    }

    /// Puts the terminal back as it was; safe to call more than once.
    public func restore() {
        guard var settings = savedSettings else { return }
        _ = tcsetattr(inputDescriptor, TCSAFLUSH, &settings)
        savedSettings = nil
    }

    deinit { restore() }

    /// Reads what is available into `driver`; at end of input (or a read error: the terminal
    /// went away) tells the driver the input ended.
    public func readAvailable(into driver: ReplDriver) {
        var buffer = [UInt8](repeating: 0, count: ReplTerminal.readChunkBytes)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inputDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { return driver.receive(Array(buffer[0..<count])) }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            return driver.endOfInput()
        }
    }

    /// Writes all of `text` (`write`, retrying EINTR and short writes; a closed output is ignored,
    /// as there is no one left to tell).
    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(outputDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes = bytes.dropFirst(count)
            } else if count < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                return
            }
        }
    }
}

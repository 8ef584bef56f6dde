import Foundation
import KabarCLI

// Everything lives in KabarCLI so that tests can drive commands in-process. The arguments are
// passed as the bytes the system gave, so that one that is not UTF-8 is refused, not repaired.
let raw = (1..<Int(CommandLine.argc)).map { index -> [UInt8] in
    guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
}
exit(KabarCLI.main(rawArguments: raw, context: .standard()))

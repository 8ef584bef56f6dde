import Foundation
import KabarCLI

// Everything lives in KabarCLI so that tests can drive commands in-process.
let code = KabarCLI.main(Array(CommandLine.arguments.dropFirst()), context: .standard())
exit(code)

// libFuzzer target: HTTPMultipartForm on arbitrary bytes, and the request parser with an upload
// allowance. Built by Scripts/fuzz.sh, not by SwiftPM.
// Whatever parses must be within every bound, and written out again must parse to the same parts.

let boundary = "XyZ-kabar"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let form = try? HTTPMultipartForm(parsing: bytes, boundary: boundary) {
        precondition(form.parts.count <= HTTPMultipartForm.partsMaxDefault, "too many parts")
        for part in form.parts {
            precondition(!part.name.isEmpty && part.name.utf8.count <= HTTPMultipartForm.nameBytesMax, "name out of bounds")
            if let filename = part.filename {
                precondition(filename.utf8.count <= HTTPMultipartForm.filenameBytesMax, "file name too long")
                precondition(!filename.contains("/") && !filename.contains("\\"), "file name with a folder")
            }
        }
        let again = try? HTTPMultipartForm(parsing: written(form), boundary: boundary)
        precondition(again == form, "parts written out again do not parse to themselves")
        _ = try? form.textFields()
    }
    var limits = HTTPLimits(bodyBytesMax: 64, uploadBodyBytesMax: 4_096, uploadPaths: ["/post"])
    limits.headerBlockBytesMax = 512
    var parser = HTTPRequestParser(limits: limits)
    parser.receive(Array("POST /post HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(bytes.count)\r\n\r\n".utf8) + bytes)
    parser.receiveEndOfStream()
    if let request = try? parser.nextRequest() {
        precondition(request.body == bytes && bytes.count <= 4_096, "upload body not as sent")
    }
    return 0
}

/// The parts as a browser would write them.
func written(_ form: HTTPMultipartForm) -> [UInt8] {
    func quoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
    var body: [UInt8] = []
    for part in form.parts {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\(quoted(part.name))"
        if let filename = part.filename { head += "; filename=\(quoted(filename))" }
        if let type = part.contentType { head += "\r\nContent-Type: \(type)" }
        body += Array((head + "\r\n\r\n").utf8) + part.body + Array("\r\n".utf8)
    }
    return body + Array("--\(boundary)--\r\n".utf8)
}

/// A header value of the shape Content-Type and Content-Disposition share (RFC 9110 5.6.6,
/// RFC 6266 4.1): a leading token, then parameters.
///
///     form-data; name="title"; filename="foto \"banjir\".jpg"
///     value "form-data", parameters name = title, filename = foto "banjir".jpg
///
/// Strict where readers could differ: no whitespace around `=`, a parameter named twice is
/// refused (nil), a quoted string must close. Inside quotes `\"` is a quote and `\\` a
/// backslash; a backslash before anything else stays as it is, because browsers send a Windows
/// file name's backslashes unescaped (the WHATWG form encoding writes `"` as `%22` and leaves
/// `\` alone). Parameter names are compared ignoring ASCII case. Internal: the multipart parser's
/// helper, fed header values that were already checked for control characters and UTF-8.
struct HTTPHeaderParameters {
    /// The leading token ("form-data", "multipart/form-data"), as sent.
    let value: ArraySlice<UInt8>
    /// Each parameter: its name in lower case, its value unquoted.
    let parameters: [(name: [UInt8], value: [UInt8])]

    /// Parses `bytes`; nil when they do not have the shape above.
    init?(parsing bytes: ArraySlice<UInt8>) {
        let end = bytes.endIndex
        var index = bytes.firstIndex(of: ASCII.semicolon) ?? end
        let leading = ASCII.trimmingWhitespace(bytes[bytes.startIndex..<index])
        guard !leading.isEmpty, leading.allSatisfy({ ASCII.isToken($0) || $0 == ASCII.slash }) else { return nil }
        var parameters: [(name: [UInt8], value: [UInt8])] = []
        while index < end {
            index = Self.skipWhitespace(bytes, from: index + 1)  // past the ';'
            guard index < end, bytes[index] != ASCII.semicolon else { continue }  // an empty parameter
            guard let (name, value, next) = Self.parameter(bytes, from: index) else { return nil }
            guard !parameters.contains(where: { $0.name == name }) else { return nil }
            parameters.append((name, value))
            index = Self.skipWhitespace(bytes, from: next)
            guard index == end || bytes[index] == ASCII.semicolon else { return nil }
        }
        self.value = leading
        self.parameters = parameters
    }

    /// The value of parameter `name` (lower case), or nil.
    subscript(name: String) -> [UInt8]? {
        parameters.first { $0.name.elementsEqual(name.utf8) }?.value
    }

    /// `token "=" ( token / quoted-string )` from `start`: its name lowercased, its value, and
    /// the index after it.
    private static func parameter(_ bytes: ArraySlice<UInt8>, from start: Int) -> ([UInt8], [UInt8], Int)? {
        let end = bytes.endIndex
        var index = start
        while index < end && ASCII.isToken(bytes[index]) { index += 1 }
        guard index > start, index < end, bytes[index] == ASCII.equals else { return nil }
        let name = bytes[start..<index].map(ASCII.lowercased)
        index += 1
        guard index < end else { return nil }
        if bytes[index] != ASCII.quote {
            let valueStart = index
            while index < end && ASCII.isToken(bytes[index]) { index += 1 }
            guard index > valueStart else { return nil }
            return (name, Array(bytes[valueStart..<index]), index)
        }
        var value: [UInt8] = []
        index += 1
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.quote { return (name, value, index + 1) }
            if byte == ASCII.backslash, index + 1 < end, bytes[index + 1] == ASCII.quote || bytes[index + 1] == ASCII.backslash {
                value.append(bytes[index + 1])
                index += 2
            } else {
                value.append(byte)
                index += 1
            }
        }
        return nil  // the quoted string never closed
    }

    private static func skipWhitespace(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.endIndex && ASCII.isWhitespace(bytes[index]) { index += 1 }
        return index
    }
}

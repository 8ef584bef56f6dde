import KabarNode
import Testing

@Suite struct DataDirectoryTests {
    @Test func optionThenEnvironmentThenHome() {
        #expect(DataDirectory.resolve(option: "/d", environment: ["KABAR_HOME": "/k"]).path == "/d")
        #expect(DataDirectory.resolve(option: nil, environment: ["KABAR_HOME": "/k"]).path == "/k")
        #expect(DataDirectory.resolve(option: nil, environment: ["HOME": "/home/u"]).path == "/home/u/.kabar")
    }
}

/// A configuration Haven refuses to start with: one line, naming the key at fault.
struct ConfigurationError: Error, CustomStringConvertible {
    let key: String
    let reason: String

    init(_ key: SettingKey, _ reason: String) {
        self.init(key: key.key, reason)
    }

    init(key: String, _ reason: String) {
        self.key = key
        self.reason = reason
    }

    var description: String { "configuration: \(self.key): \(self.reason)" }
}

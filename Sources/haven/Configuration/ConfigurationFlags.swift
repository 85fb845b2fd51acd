import Configuration

/// Command-line options that give settings: each option set on the command line, by file key.
protocol ConfigurationFlags {
    var flags: [String: ConfigContent] { get }
}

extension Dictionary where Key == String, Value == ConfigContent {
    /// Adds `value` under `key` when the option was given.
    mutating func set(_ key: SettingKey, _ value: String?) {
        if let value { self[key.key] = .string(value) }
    }

    mutating func set(_ key: SettingKey, _ value: Int?) {
        if let value { self[key.key] = .int(value) }
    }

    /// A flag given on the command line is true; absent, it leaves the setting to other sources.
    mutating func set(_ key: SettingKey, flag: Bool) {
        if flag { self[key.key] = .bool(true) }
    }
}

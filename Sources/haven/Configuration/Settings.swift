import Configuration
import Foundation
import SystemPackage

/// Haven's settings as given: command-line flags first, then `HAVEN_…` environment variables,
/// then a JSON configuration file (`--config` or `HAVEN_CONFIG`), then each setting's default.
///
/// Values are read through swift-configuration's providers. Haven also keeps its own inventory of
/// what each source gave, so that an unknown key or variable is an error instead of a silent
/// no-op, a malformed value is an error instead of falling back to the default, and a secret can
/// come from a file (`master_key_file`, `HAVEN_MASTER_KEY_FILE`).
struct Settings: Sendable {
    /// Where a value came from, most important first.
    enum Source: Int, Sendable, Comparable, CustomStringConvertible {
        case flag, environment, file

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        var description: String {
            switch self {
            case .flag: "command line"
            case .environment: "environment"
            case .file: "configuration file"
            }
        }
    }

    let reader: ConfigReader
    /// The most important source of each key given, under its file-key spelling.
    let given: [String: Source]

    /// The variable naming the configuration file (a file, not a setting).
    static let configVariable = "HAVEN_CONFIG"

    /// Reads the configuration file (if any) and the environment, and checks that both name only
    /// known settings.
    /// - Parameter flags: values given on the command line, by file key
    static func load(flags: [String: ConfigContent], environment: [String: String], file: String?) async throws -> Settings {
        var given: [String: Source] = [:]
        let knownKeys = Set(SettingKey.all.flatMap { $0.isSecret ? [$0.key, $0.fileKey] : [$0.key] })

        var providers: [any ConfigProvider] = []
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, content) in flags {
            flagValues[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(content, isSecret: false)
            given[key] = .flag
        }
        providers.append(InMemoryProvider(name: "command line", values: flagValues))

        var variables: [String: String] = [:]
        let byVariable = Dictionary(uniqueKeysWithValues: knownKeys.map { key in
            ("HAVEN_" + key.uppercased().replacingOccurrences(of: ".", with: "_"), key)
        })
        // An empty variable counts as unset, as shells and Compose files often leave them.
        for (name, value) in environment where name.hasPrefix("HAVEN_") && !value.isEmpty && !Self.isForeign(name) {
            guard let key = byVariable[name] else { throw ConfigurationError(key: name, "unknown setting (`haven config check`, run without it, lists every setting)") }
            variables[String(name.dropFirst("HAVEN_".count))] = value
            if given[key] == nil { given[key] = .environment }
        }
        providers.append(EnvironmentVariablesProvider(environmentVariables: variables, secretsSpecifier: .all))

        if let path = file ?? environment[Self.configVariable], !path.isEmpty {
            for key in try Self.keys(inJSONFile: path) {
                guard knownKeys.contains(key) else { throw ConfigurationError(key: key, "unknown setting in \(path)") }
                if given[key] == nil { given[key] = .file }
            }
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
        }
        return Settings(reader: ConfigReader(providers: providers), given: given)
    }

    /// `HAVEN_` variables that are not settings: the configuration file's, the tests' own, and
    /// those Kubernetes makes for a Service named `haven` (`HAVEN_SERVICE_HOST`, `HAVEN_PORT_443_TCP`…).
    static func isForeign(_ name: String) -> Bool {
        name == Self.configVariable || name.hasPrefix("HAVEN_TEST_") || name.hasPrefix("HAVEN_SERVICE_")
            || name == "HAVEN_PORT" || name.hasPrefix("HAVEN_PORT_")
    }

    /// The dotted keys of a JSON object's leaves (a list is a leaf).
    static func keys(inJSONFile path: String) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw ConfigurationError(key: Self.configVariable.lowercased(), "cannot read \(path): \((error as NSError).localizedDescription)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigurationError(key: "config", "\(path) is not a JSON object")
        }
        func leaves(_ object: [String: Any], prefix: String) -> [String] {
            object.flatMap { name, value -> [String] in
                let key = prefix.isEmpty ? name : prefix + "." + name
                if let nested = value as? [String: Any] { return leaves(nested, prefix: key) }
                return [key]
            }
        }
        return leaves(object, prefix: "")
    }

    // MARK: Typed values

    func isGiven(_ key: SettingKey) -> Bool { self.given[key.key] != nil }

    func string(_ key: SettingKey) throws -> String? {
        guard self.isGiven(key) else { return nil }
        do {
            return try self.reader.requiredString(forKey: ConfigKey(key.key), isSecret: key.isSecret)
        } catch {
            throw ConfigurationError(key, "must be text")
        }
    }

    func string(_ key: SettingKey, default value: String) throws -> String {
        try self.string(key) ?? value
    }

    func int(_ key: SettingKey, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard self.isGiven(key) else { return value }
        let number: Int
        do {
            number = try self.reader.requiredInt(forKey: ConfigKey(key.key))
        } catch {
            throw ConfigurationError(key, "must be a whole number")
        }
        guard range.contains(number) else { throw ConfigurationError(key, "must be \(range.lowerBound)–\(range.upperBound), not \(number)") }
        return number
    }

    func bool(_ key: SettingKey, default value: Bool = false) throws -> Bool {
        guard self.isGiven(key) else { return value }
        do {
            return try self.reader.requiredBool(forKey: ConfigKey(key.key))
        } catch {
            throw ConfigurationError(key, "must be true or false")
        }
    }

    func list(_ key: SettingKey) throws -> [String] {
        guard self.isGiven(key) else { return [] }
        do {
            return try self.reader.requiredStringArray(forKey: ConfigKey(key.key))
        } catch {
            throw ConfigurationError(key, "must be a list of text")
        }
    }

    /// One of a fixed set of words.
    func choice<Value: RawRepresentable<String>>(_ key: SettingKey, default value: Value, among all: [Value]) throws -> Value {
        guard let text = try self.string(key) else { return value }
        guard let chosen = Value(rawValue: text) else {
            throw ConfigurationError(key, "must be one of \(all.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
        }
        return chosen
    }

    /// A secret, given itself or as the path of a file holding it; the more important source
    /// wins, and both from one source is an error.
    func secretData(_ key: SettingKey) throws -> Data? {
        let fileKey = SettingKey(key.fileKey)
        let direct = self.given[key.key]
        let viaFile = self.given[fileKey.key]
        if let direct, let viaFile, direct == viaFile {
            throw ConfigurationError(key, "given both as a value and as \(fileKey) in the \(direct); give one")
        }
        guard let viaFile, direct.map({ viaFile < $0 }) ?? true else {
            return try self.string(key).map { Data($0.utf8) }
        }
        guard let path = try self.string(fileKey) else { return nil }
        do {
            return try Data(contentsOf: URL(filePath: path))
        } catch {
            throw ConfigurationError(fileKey, "cannot read \(path)")
        }
    }

    /// A secret as text, without the trailing newline a file usually ends with.
    func secret(_ key: SettingKey) throws -> String? {
        try self.secretData(key).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .newlines) }
    }
}

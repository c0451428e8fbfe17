/// The commonest passwords of at least 12 characters (the shorter ones are refused by length
/// anyway): the first ones any guessing tries, so they are refused when a password is set,
/// whatever their case (`Password1234` is `password1234`).
///
/// A small built-in list, from the top of the public leaked-password lists and the obvious
/// keyboard walks, repetitions and sequences. Lower case; keep it so.
enum CommonPasswords {
    /// Whether `password`, in lower case, is on the list.
    static func contains(_ password: String) -> Bool {
        list.contains(password.lowercased())
    }

    static let list: Set<String> = [
        // digits
        "123456789012", "1234567890123", "12345678901234", "123456789012345", "1234567890123456",
        "123456123456", "123123123123", "123412341234", "121212121212", "112233445566", "098765432109",
        "987654321098", "0987654321098", "111111111111", "000000000000", "222222222222", "999999999999",
        "123456654321", "1234567890qwerty", "123456789abc", "12345678910111213",
        // "password" and friends
        "password1234", "password12345", "password123456", "password1234567", "password12345678", "password!234",
        "password1234!", "password123!", "password2023", "password2024", "password2025", "password2026",
        "passwordpassword", "password1password1", "mypassword123", "mypassword1234", "thisismypassword",
        "passw0rd1234", "p@ssw0rd1234", "p@ssword1234", "p@ssw0rd123!", "passw0rdpassw0rd", "newpassword123",
        "changeme1234", "changeme123!", "changemenow1", "changemeplease", "defaultpassword", "temppassword1",
        "secretpassword", "supersecret123", "administrator", "administrator1", "administrator123", "adminadmin123",
        "admin1234567", "admin12345678", "adminpassword", "rootpassword", "letmein12345", "letmeinletmein",
        "welcome12345", "welcome123456", "welcome2024!", "welcomewelcome", "iloveyou1234", "iloveyouiloveyou",
        "trustno1trustno1", "opensesame123",
        // keyboard walks
        "qwertyuiopas", "qwertyuiop12", "qwertyuiop123", "qwertyuiop1234", "qwertyuiopasdf", "qwertyuiopasdfgh",
        "qwertyuiopasdfghjkl", "qwerty123456", "qwerty1234567", "qwertyqwerty", "qwertyqwerty1", "qwerty12345678",
        "asdfghjkl123", "asdfghjkl1234", "asdfghjklqwe", "asdfasdfasdf", "asdf1234asdf", "zxcvbnm12345",
        "zxcvbnm123456", "zxcvbnmasdfg", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
        "q1w2e3r4t5y6", "zaq12wsxcde3", "zaq1zaq1zaq1", "qazwsxedcrfv", "!qaz2wsx3edc", "1q2w3e4r5t6y7u8i",
        "azertyuiopqs", "azerty123456",
        // letters and repetitions
        "abcdefghijkl", "abcdefghijklm", "abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz", "abc123abc123",
        "abcd1234abcd", "abcd12345678", "abc123456789", "aaaaaaaaaaaa", "abcabcabcabc", "aaaaaa111111",
        // words and phrases
        "football1234", "baseball1234", "basketball12", "superman1234", "batman123456", "monkey123456",
        "dragon123456", "sunshine1234", "princess1234", "starwars1234", "pokemon12345", "master123456",
        "shadow123456", "michael12345", "jennifer1234", "whatever1234", "computer1234", "internet1234",
        "liverpool123", "chelsea12345", "manchester12", "christmas123", "hello1234567", "helloworld12",
        "helloworld123", "loveyou12345", "iloveyou12345", "letmein123456", "correcthorsebatterystaple",
        "correct horse battery staple", "thequickbrownfox", "the quick brown fox", "ihateyou1234",
        "whatsapp1234", "whatsapp12345", "recordkeeper", "recordkeeper1", "recordkeeper123", "recordkeeper1234",
    ]
}

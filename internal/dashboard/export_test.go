package dashboard

// The tests sign in many times: they hash with argon2id's smallest
// parameters this package accepts. TestDefaultCost checks the real ones.
func init() { cost = argonCost{time: 1, memory: 8 * 1024, threads: 1} }

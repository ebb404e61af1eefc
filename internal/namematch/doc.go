// Package namematch scores how well a name a client sent matches the name a
// registry holds, one field at a time (first names, or last name), on the
// 0–100 scale of SecureCitizen's FirstNameResult/LastNameResult. Youverify's
// per-field "validated" is Matches with a configurable threshold
// (DefaultThreshold, 80, unless the tenant sets one).
//
// Score is deterministic, does not allocate (ASCII input is read on the
// stack, accented input through a pooled NFD iterator), and does not log or
// keep the names it reads. The labelled pairs in testdata/pairs.csv and
// their scores are in docs/NAMEMATCH.md.
//
// # Normalisation
//
// Both names go through the same steps; 100 means the token lists are equal
// afterwards and no other rule ever returns 100.
//
//   - Input is cut to MaxNameBytes (256) bytes at a rune boundary, to
//     MaxTokens (10) names and to 32 letters per name. Longer input is
//     truncated, not rejected: Score has no error to return, the API edge
//     enforces sizes, and the cut bounds the work per call.
//   - Letters are decomposed (Unicode NFD) and their combining marks dropped,
//     so José/Jose, Ngũgĩ/Ngugi, Thérèse/Therese and Yoruba tone marks
//     (Adébáyọ̀/Adebayo) are equal. Letters NFD cannot split are folded by a
//     small table: ß→ss, æ→ae, ø→o, ł→l, ŋ→ng, ɛ→e, ɔ→o, and the Hausa hooked
//     letters ɓ ɗ ƙ ƴ to b d k y.
//   - Case is folded.
//   - Apostrophes (' ’ ‘ ʼ ʻ ` ´) are deleted, joining the letters around them:
//     O'Brien, N'Dour and Ng'ang'a are written with and without them.
//   - Every other non-letter (spaces, hyphens, dots, commas, digits) separates
//     names, so Mary-Jane equals Mary Jane, "S.J." is the initials S J, and
//     repeated or surrounding spaces do not count. Letters of any script are
//     kept, so Arabic or Ge'ez names compare letter by letter.
//
// # Comparing two names
//
// tokenScore compares one name with one name and takes the best of:
//
//   - Typos: a weighted Damerau-Levenshtein distance (optimal string
//     alignment) scaled by the longer name: score = 100 − 1.5 × cost ×
//     100 / length. A transposition costs 0.5, a doubled letter added or
//     dropped 0.3, a letter added or dropped 0.6, a consonant replaced by its
//     QWERTY neighbour 0.6, and any other substitution 1.2. A vowel for a
//     vowel and a different first letter always cost the full 1.2 because in
//     these names they usually make another name: Thandi/Thando,
//     Akello/Okello (Acholi female/male), Olamide/Olumide. So Wanjiku scores
//     74 against Wanjiru while the typos Wanjriu, Wanjru and Wamjiru score 87
//     to 89.
//   - The phonetic key (below): equal keys lift the score to at least 90,
//     never to 100. Keys that differ still count, as their own typo score
//     minus 5, capped at 85, so Kathryn reaches 82 against Catherine.
//   - Prefixes: a name of at least 4 letters that begins the other lifts the
//     score to at least 70: Thandi/Thandiwe, Chris/Christopher (a diminutive
//     or short form is related but not the registered name).
//   - Translations: names in one group of the translations table (Yusuf and
//     Joseph, Musa and Moses) score at least 60.
//   - Initials: a one-letter name scores 78 against a name with that first
//     letter and 0 against any other.
//
// # Phonetic key
//
// One table of rewrites, applied left to right to each name:
//
//	rule                        why                                  example
//	variant family → canonical  spellings no rule can join safely     Yousef→Yusuf, Ayesha→Aisha, Hadiza→Khadija, Lorato→Lerato
//	oluwa… → olu… (at start)    Yoruba contraction                    Oluwaseun/Oluseun
//	chr → kr                    Greek ch                              Christopher/Kristopher
//	ph → f                                                            Philip/Filip
//	ck → k                                                            Hendrick/Hendrik
//	kh gh th dh bh → k g t d b  aspiration written or not             Nkhosi/Nkosi, Odhiambo/Odiambo, Bhekani/Bekani
//	sh, ch → one sibilant       French and English transliteration    Aicha/Aisha
//	c → s before e i y, else k                                        Catherine/Katherine
//	h after a vowel, not before a vowel → dropped (silent)            John/Jon, Sarah/Sara
//	y → i, except before a vowel at the start or after a vowel        Kathryn/Kathrin; Yusuf and Ayanda keep y
//	final e after a consonant other than w/y → dropped (5+ letters)   Catherine/Katherin; Thandiwe keeps it
//	e → a, o → u (names of 5+ letters)  transliterated vowels          Ahmed/Ahmad, Mohammed/Muhammad, Hussein/Husain
//	double letters → single                                           Phillip/Philip, Mohammed/Mohamed
//
// Vowels of names shorter than 5 letters are kept as they are, because short
// names differ by one vowel too often (Bola/Bala, Busi/Bisi, Lena/Lana); the
// letter i is never folded. The key is a secondary signal: two different names
// can share a key, which is why it lifts a score to 90 and not to 100.
//
// # Several names in a field
//
// Given names are paired with registry names one to one, maximising the sum
// of tokenScore, in two ways: keeping both in order, and in any order (an
// exact assignment over at most 2^10 subsets) less 3 points; the better one
// counts. The field score is the mean over the pairs, then:
//
//   - each registered name the client left out costs 8 points for the first
//     and 4 for each further one (Sipho for Sipho John Mandla: 88);
//   - each name the client sent that the registry lacks costs 15 (Sipho John
//     for Sipho: 85): leaving out a middle name is common, adding one names
//     someone else as often as not, so the rule is deliberately asymmetric;
//   - when the two sides have different numbers of names, the names are also
//     compared joined without spaces: equal gives 98 (Vandermerwe for Van der
//     Merwe), close gives their typo score less 6.
//
// With as many names on both sides Score is symmetric; only the
// left-out/added rule breaks symmetry. An empty side, or one with no letters,
// scores 0.
package namematch

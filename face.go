package idgate

import "context"

// FaceEngine compares a selfie with a registry photo and judges whether the
// selfie shows a live person. Images are encoded files (JPEG, PNG or WebP).
//
// Errors: EINVALID for an image that cannot be decoded, ETOOLARGE for one
// over the configured byte or pixel limit, ENOFACE when no face is found, EMANYFACES when a selfie holds more than one
// face of similar size, EUNAVAILABLE when no engine is configured.
type FaceEngine interface {
	// Compare matches the face in selfie against the face in reference.
	Compare(ctx context.Context, selfie, reference []byte) (FaceMatch, error)
	// Liveness runs passive liveness checks on a single selfie.
	Liveness(ctx context.Context, selfie []byte) (LivenessResult, error)
}

// FaceAndLivenessEngine is a FaceEngine that can match a selfie and check
// its liveness in one pass, analysing the selfie once.
type FaceAndLivenessEngine interface {
	FaceEngine
	CompareAndCheckLiveness(ctx context.Context, selfie, reference []byte) (FaceMatch, LivenessResult, error)
}

// FaceMatch is the outcome of a 1:1 face comparison.
type FaceMatch struct {
	Similarity float64 // cosine similarity of the two embeddings, -1..1
	Confidence float64 // calibrated probability that both faces are the same person, 0..1
	Match      bool    // Similarity >= Threshold
	Threshold  float64 // cosine threshold that decided Match
}

// LivenessResult carries every liveness field the vendor dialects report.
type LivenessResult struct {
	Pass        bool    `json:"pass"`        // the selfie passed every liveness and quality check
	Score       float64 `json:"score"`       // 0..1, combined liveness score
	Probability float64 `json:"probability"` // 0..1, the liveness model's probability that the face is live
	Quality     float64 `json:"quality"`     // 0..1, image quality (face size, blur, exposure)
	Spoof       bool    `json:"spoof"`       // the anti-spoof model classified the face as a presentation attack
	Message     string  `json:"message"`     // a human explanation, e.g. "Liveness check successful"
}

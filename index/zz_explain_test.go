package index_test

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestZZExplain(t *testing.T) {
	if os.Getenv("Q") == "" {
		t.Skip()
	}
	b, err := shared.ScoreExplanation(context.Background(), os.Getenv("Q"), 2)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(string(b))
}

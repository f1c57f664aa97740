//go:build e2edeps

// Package tools pins, for `go mod tidy`, the upstream packages that the
// generated main package (cmd/pulumi-resource-kubernetes, written by build.sh
// and git-ignored) imports, so go.mod and go.sum stay complete on a fresh clone.
package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

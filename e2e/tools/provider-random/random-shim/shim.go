// Package shim exposes the constructor of the random plugin-framework provider.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns a fresh terraform-provider-random (plugin framework).
func NewProvider() provider.Provider { return upstream.New() }

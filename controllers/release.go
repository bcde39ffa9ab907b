package controllers

import (
	"strings"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// release is one runnable Ternant: an image and the version it is.
type release struct {
	Image   string
	Version string
}

// resolveRelease picks the image an instance asks for: spec.image, else the operator image's
// repository at spec.version, else the operator's own image.
func resolveRelease(spec *ternantv1.TernantInstanceSpec, defaultImage string) release {
	switch {
	case spec.Image != "":
		v := spec.Version
		if v == "" {
			v = imageTag(spec.Image)
		}
		return release{Image: spec.Image, Version: v}
	case spec.Version != "":
		return release{Image: imageRepository(defaultImage) + ":" + spec.Version, Version: spec.Version}
	default:
		return release{Image: defaultImage, Version: imageTag(defaultImage)}
	}
}

// imageRepository strips the tag and digest from an image reference.
func imageRepository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// imageTag is the tag of an image reference, "latest" when it has none, or the digest when it
// is pinned by digest only.
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		if repo := image[:i]; strings.LastIndex(repo, ":") > strings.LastIndex(repo, "/") {
			return repo[strings.LastIndex(repo, ":")+1:]
		}
		return image[i+1:]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return "latest"
}

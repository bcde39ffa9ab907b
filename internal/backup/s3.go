package backup

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// partSize is the multipart upload's part: the only part of a backup held in memory, and with
// S3's 10,000 parts it bounds an object at about 160 GiB. Tests lower it to S3's 5 MiB minimum.
var partSize uint64 = 16 << 20

// s3Store keeps backups under a prefix of an S3 bucket.
type s3Store struct {
	c      *minio.Client
	bucket string
	prefix string // without slashes at either end; may be empty
}

func newS3Store(bucket, prefix string, cfg S3Config) (*s3Store, error) {
	host, secure := "s3.amazonaws.com", true
	if cfg.Endpoint != "" {
		if strings.Contains(cfg.Endpoint, "://") {
			u, err := url.Parse(cfg.Endpoint)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return nil, fmt.Errorf("BACKUP_S3_ENDPOINT %q: want http(s)://host[:port] or a host name", cfg.Endpoint)
			}
			host, secure = u.Host, u.Scheme == "https"
		} else {
			host = cfg.Endpoint
		}
	}
	lookup := minio.BucketLookupAuto
	switch strings.ToLower(cfg.PathStyle) {
	case "true":
		lookup = minio.BucketLookupPath
	case "false":
		lookup = minio.BucketLookupDNS
	case "":
	default:
		return nil, fmt.Errorf("BACKUP_S3_PATH_STYLE %q: want true or false", cfg.PathStyle)
	}
	var creds *credentials.Credentials
	if cfg.AccessKey != "" || cfg.SecretKey != "" {
		creds = credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")
	} else {
		// No keys given: a web identity (IRSA) or the node's instance role.
		creds = credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.IAM{}})
	}
	c, err := minio.New(host, &minio.Options{Creds: creds, Secure: secure, Region: cfg.Region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("S3 client for %s: %w", host, err)
	}
	return &s3Store{c: c, bucket: bucket, prefix: prefix}, nil
}

func (s *s3Store) key(name string) string {
	if s.prefix == "" {
		return name
	}
	return s.prefix + "/" + name
}

func (s *s3Store) Location(name string) string {
	return "s3://" + s.bucket + "/" + s.key(name)
}

func (s *s3Store) Put(ctx context.Context, name string, r io.Reader) (int64, error) {
	info, err := s.c.PutObject(ctx, s.bucket, s.key(name), r, -1, minio.PutObjectOptions{
		ContentType: "application/gzip",
		PartSize:    partSize,
	})
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", s.Location(name), err)
	}
	return info.Size, nil
}

func (s *s3Store) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	if _, ok := TimeOf(name); !ok {
		return nil, fmt.Errorf("%q is not a backup name", name)
	}
	obj, err := s.c.GetObject(ctx, s.bucket, s.key(name), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", s.Location(name), err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("%w: %s", ErrNoBackup, s.Location(name))
		}
		return nil, fmt.Errorf("download %s: %w", s.Location(name), err)
	}
	return obj, nil
}

func (s *s3Store) List(ctx context.Context) ([]Object, error) {
	prefix := ""
	if s.prefix != "" {
		prefix = s.prefix + "/"
	}
	var out []Object
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix}) {
		if o.Err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", s.bucket, prefix, o.Err)
		}
		name := path.Base(o.Key)
		if o.Key != prefix+name {
			continue // a "directory" below the prefix
		}
		t, ok := TimeOf(name)
		if !ok {
			continue
		}
		out = append(out, Object{Name: name, Size: o.Size, Time: t})
	}
	sortObjects(out)
	return out, nil
}

func (s *s3Store) Delete(ctx context.Context, name string) error {
	if _, ok := TimeOf(name); !ok {
		return fmt.Errorf("%q is not a backup name", name)
	}
	if err := s.c.RemoveObject(ctx, s.bucket, s.key(name), minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("delete %s: %w", s.Location(name), err)
	}
	return nil
}

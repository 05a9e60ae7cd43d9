package main

import (
	"flag"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/receiver"
)

const helpBucket = `With --store s3://BUCKET/PREFIX, the entry is also written to the
registry in that bucket, which receivers serving that bucket read for
every upload (credentials and endpoint from AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_ENDPOINT_URL). Running it again
with --store publishes an entry made earlier without it.
`

// storeFlag adds --store, the bucket whose registry enroll and revoke
// also write.
func storeFlag(fs *flag.FlagSet) *string {
	return fs.String("store", "", "also publish to the registry of the bucket `s3://BUCKET/PREFIX` that receivers serve")
}

// publish writes d to the registry of the bucket store, if one is given.
func (c *cli) publish(store string, d hq.Device) error {
	if store == "" {
		return nil
	}
	if !receiver.IsS3URL(store) {
		return &usageError{Msg: "--store " + store + " is not s3://BUCKET/PREFIX",
			Advice: "a receiver with a folder store reads devices/ of the HQ folder, so only a bucket needs --store"}
	}
	s, err := receiver.OpenS3(store, c.getenv)
	if err == nil {
		err = s.PublishDevice(d)
	}
	if err != nil {
		return &hintError{Msg: "the HQ registry has the change, but the bucket's does not: " + err.Error(), Err: err,
			Advice: "fix the cause and run the same command again with --store; it publishes the entry"}
	}
	return nil
}

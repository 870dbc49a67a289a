package job

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	// Filesystems the inputs and the output may live on.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/novelty"
)

// init registers the DoFns, the CombineFn and the element types with the
// Beam SDK. This is the SDK's contract, not state of ours: a worker
// receives the pipeline as names and must find each function and type in
// the same binary's registry before main runs, which only init can do.
func init() {
	register.DoFn4x1[context.Context, fileio.FileMetadata, func(string, Scored), func(Reject), error](&scoreFn{})
	register.Function4x0(firstFn)
	register.Function3x0(probeFn)
	register.Function3x1(detectFn)
	register.Function4x1(applyFn)
	register.Function4x0(splitFn)
	register.Combiner3[Cell, aggregate.Obs, aggregate.Day](&cellFn{})
	register.Function2x1(dropKeyFn)
	register.DoFn3x1[int, func(*aggregate.Day) bool, func(string, arrowout.CompanyDay), error](&deriveFn{})
	register.DoFn4x1[context.Context, string, func(*arrowout.CompanyDay) bool, func(string), error](&writeDaysFn{})
	register.DoFn4x1[context.Context, string, func(*arrowout.Article) bool, func(string), error](&writeArticlesFn{})
	register.DoFn4x1[context.Context, string, func(*[]arrowout.Mention) bool, func(string), error](&writeMentionsFn{})
	register.DoFn4x1[context.Context, int, func(*Reject) bool, func(string), error](&writeRejectsFn{})

	register.Emitter1[string]()
	register.Emitter1[Reject]()
	register.Emitter1[pipeline.Rows]()
	register.Emitter1[Scored]()
	register.Emitter1[Probe]()
	register.Emitter2[string, pipeline.Rows]()
	register.Emitter2[string, novelty.Result]()
	register.Emitter2[string, Scored]()
	register.Emitter2[string, aggregate.Obs]()
	register.Emitter2[string, arrowout.Article]()
	register.Emitter2[string, []arrowout.Mention]()
	register.Emitter2[string, arrowout.CompanyDay]()
	register.Iter1[Scored]()
	register.Iter1[Probe]()
	register.Iter1[pipeline.Rows]()
	register.Iter1[novelty.Result]()
	register.Iter1[Reject]()
	register.Iter1[aggregate.Day]()
	register.Iter1[arrowout.CompanyDay]()
	register.Iter1[arrowout.Article]()
	register.Iter1[[]arrowout.Mention]()

	for _, t := range []any{Scored{}, Reject{}, Probe{}, novelty.Result{}, Cell{}, pipeline.Rows{}, aggregate.Obs{}, aggregate.Day{},
		arrowout.Article{}, arrowout.Mention{}, arrowout.CompanyDay{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
}

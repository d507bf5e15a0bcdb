"""Static files in production: WhiteNoise's compressed, hashed files, with the imports
between ES modules rewritten to the hashed names too, so a browser never mixes a new
module with an old cached one after a deploy."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

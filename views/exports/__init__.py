"""Pure export builders: rows in, bytes out (xlsx workbooks, FatturaPA XML). No request objects."""

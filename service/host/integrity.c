#include "integrity.h"

#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_sha256.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HASHED_BYTES (256u * 1024 * 1024)

static bool file_sha256(const char *path, char out[65])
{
    size_t size = 0;
    char *error = NULL;
    char *data = fw_read_file(path, MAX_HASHED_BYTES, &size, &error);
    free(error);
    if (!data)
        return false;
    fw_sha256_hex(data, size, out);
    free(data);
    return true;
}

bool fw_integrity_self(char **path, char sha256[65])
{
    *path = fw_exe_path();
    if (*path && file_sha256(*path, sha256))
        return true;
    free(*path);
    *path = NULL;
    return false;
}

void fw_integrity_json(fw_json *j, const fw_catalog *catalog)
{
    char *self = NULL, hex[65];
    bool known = fw_integrity_self(&self, hex);
    fw_json_key(j, "integrity");
    fw_json_object_begin(j);
    fw_json_key(j, "fwsvc_exe");
    fw_json_object_begin(j);
    fw_json_member_string(j, "path", self);
    fw_json_member_string(j, "sha256", known ? hex : NULL);
    fw_json_object_end(j);
    fw_json_key(j, "catalog_files");
    fw_json_array_begin(j);
    for (size_t i = 0; catalog && i < catalog->file_count; i++) {
        const fw_catalog_file *f = catalog->files[i];
        fw_json_object_begin(j);
        fw_json_member_string(j, "path", f->path);
        fw_json_member_string(j, "sha256", f->sha256[0] ? f->sha256 : NULL);
        fw_json_key(j, "site");
        fw_json_bool(j, f->site);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_object_end(j);
    free(self);
}

static void folder_text(fw_buf *b, const char *dir)
{
    char **names = NULL, *error = NULL;
    size_t count = 0;
    if (!dir || !fw_list_files(dir, ".yaml", &names, &count, &error)) {
        free(error);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        char *path = fw_path_join(dir, names[i]), hex[65];
        if (file_sha256(path, hex))
            fw_buf_printf(b, "%s%s sha256 %s", b->len && b->data[b->len - 1] != ' ' ? ", " : "", names[i], hex);
        free(path);
    }
    fw_free_names(names, count);
}

char *fw_integrity_text(const char *catalog_dir, const char *site_dir)
{
    fw_buf b = {0};
    char *self = NULL, hex[65];
    if (fw_integrity_self(&self, hex))
        fw_buf_printf(&b, "fwsvc.exe sha256 %s; ", hex);
    free(self);
    fw_buf_printf(&b, "catalog ");
    folder_text(&b, catalog_dir);
    if (site_dir) {
        fw_buf_printf(&b, "; site catalog ");
        folder_text(&b, site_dir);
    }
    return fw_buf_take(&b);
}

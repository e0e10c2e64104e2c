package io.vnet.dataplane;

/** Creates data planes; registered as an OSGi service by the data plane bundle. */
public interface DataPlaneFactory {
    DataPlane create(DataPlaneConfig config);
}
